import Foundation

/// Long output goes through `$PAGER` (default `less` with `LESS=FRX`), like git does, but only
/// when stdout is a terminal and the text is taller than it; otherwise it is printed as is.
public enum Pager {
    /// The terminal's height: the window size, else `LINES`, else 24.
    static var rows: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return ProcessInfo.processInfo.environment["LINES"].flatMap { Int($0) } ?? 24
    }

    /// The pager command to run for `text`, or nil to print it directly.
    static func command(for text: String, isTTY: Bool, rows: Int, environment: [String: String]) -> String? {
        guard isTTY else { return nil }
        let pager = (environment["PAGER"] ?? "less").trimmingCharacters(in: .whitespaces)
        guard !pager.isEmpty, pager != "cat" else { return nil }
        let lines = text.reduce(into: 1) { count, ch in if ch == "\n" { count += 1 } }
        return lines >= rows ? pager : nil
    }

    /// `text` and a newline written to standard output from the string's own bytes, after what
    /// `print` buffered (`print` copies a long text into a buffer of its own first).
    public static func write(_ text: String) {
        fflush(nil)
        var text = text
        text.withUTF8 { writeAll($0) }
        var newline = "\n"
        newline.withUTF8 { writeAll($0) }
    }

    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }

    /// Prints `text` (with a final newline), through the pager when `command(for:)` says so.
    public static func print(_ text: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let pager = command(for: text, isTTY: isatty(STDOUT_FILENO) == 1, rows: rows, environment: environment) else {
            write(text)
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", pager]
        var env = environment
        if env["LESS"] == nil { env["LESS"] = "FRX" }
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch {
            Swift.print(text)
            return
        }
        signal(SIGPIPE, SIG_IGN)  // the reader may quit early (q in less)
        try? input.fileHandleForWriting.write(contentsOf: Data((text + "\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
