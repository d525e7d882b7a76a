import Foundation

/// `transform(0..<count)` computed on all cores, in order, in `runs` runs of consecutive indices
/// (by default a few per core, and none under 1,024 indices: small inputs are mapped on this thread).
public func concurrentMap<T>(count: Int, runs: Int? = nil, _ transform: (Int) -> T) -> [T] {
    concurrentMap(count: count, runs: runs, start: {}) { _, i in transform(i) }
}

/// `concurrentMap(count:runs:)`, where each run keeps a state of its own, made by `start`, that
/// `transform` may change from one index to the next.
public func concurrentMap<State, T>(count: Int, runs: Int? = nil, start: () -> State, _ transform: (inout State, Int) -> T) -> [T] {
    let runs = min(runs ?? count / 1024, count, ProcessInfo.processInfo.activeProcessorCount * 4)
    guard runs > 1 else {
        var state = start()
        return (0..<count).map { transform(&state, $0) }
    }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Each run initialises only its own slots.
        nonisolated(unsafe) let out = buffer.baseAddress!
        nonisolated(unsafe) let (start, transform) = (start, transform)
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            var state = start()
            for i in (count * run / runs)..<(count * (run + 1) / runs) { (out + i).initialize(to: transform(&state, i)) }
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
