import Clibgit2

/// An error reported by libgit2: its return code, error class and message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let errorClass: Int32
    public let message: String

    public var description: String { message }

    /// `GIT_ENOTFOUND`
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    /// `GIT_EUNBORNBRANCH`
    public var isUnbornBranch: Bool { code == GIT_EUNBORNBRANCH.rawValue }
    /// `GIT_EMODIFIED`: a compare-and-swap of a reference lost the race.
    public var isModified: Bool { code == GIT_EMODIFIED.rawValue }
    /// `GIT_ELOCKED`
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue }

    /// Builds the error from `git_error_last()` and clears it, so that an old
    /// message never leaks into a later call.
    init(code: Int32, context: String) {
        self.code = code
        if let last = git_error_last() {
            errorClass = last.pointee.klass
            message = "\(context): \(String(cString: last.pointee.message))"
        } else {
            errorClass = 0
            message = "\(context): libgit2 error \(code)"
        }
        git_error_clear()
    }

    /// An error found by this side of libgit2 (damaged data it handed over).
    init(message: String) {
        code = GIT_ERROR.rawValue
        errorClass = 0
        self.message = message
    }

    /// The single throwing path for libgit2 calls.
    @discardableResult
    static func check(_ code: Int32, _ context: @autoclosure () -> String) throws -> Int32 {
        if code < 0 { throw GitError(code: code, context: context()) }
        return code
    }
}
