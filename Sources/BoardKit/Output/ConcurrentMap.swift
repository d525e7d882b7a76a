import Foundation

/// `transform(0..<count)` computed on all cores, in order, in `runs` runs of consecutive indices
/// (by default a few per core, and none under 1,024 indices: small inputs are mapped on this thread).
public func concurrentMap<T>(count: Int, runs: Int? = nil, _ transform: (Int) -> T) -> [T] {
    let runs = min(runs ?? count / 1024, count, ProcessInfo.processInfo.activeProcessorCount * 4)
    guard runs > 1 else { return (0..<count).map(transform) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Each run initialises only its own slots.
        nonisolated(unsafe) let out = buffer.baseAddress!
        nonisolated(unsafe) let transform = transform
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            for i in (count * run / runs)..<(count * (run + 1) / runs) { (out + i).initialize(to: transform(i)) }
        }
        initialized = count
    }
}

/// `transform` of each of `elements` on all cores, in order. The elements are read through an
/// unsafe buffer: threads retaining the same array would contend for its reference count.
public func concurrentMap<E, T>(_ elements: [E], _ transform: (E) -> T) -> [T] {
    elements.withUnsafeBufferPointer { buffer in
        nonisolated(unsafe) let elements = buffer
        return concurrentMap(count: elements.count) { transform(elements[$0]) }
    }
}
