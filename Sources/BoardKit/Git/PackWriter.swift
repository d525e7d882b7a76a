import Clibgit2

/// Sends a repository's object writes to memory and stores them as pack files on `flush`,
/// instead of one loose file per object (`board dev generate` writes thousands of commits).
public final class PackWriter {
    let repository: Repository
    let backend: OpaquePointer

    public init(_ repository: Repository) throws {
        self.repository = repository
        var backend: OpaquePointer?
        try GitError.check(git_mempack_new(&backend), "cannot create an in-memory object store")
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, repository.pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        // The odb owns the backend from here on; the highest priority takes the writes.
        try GitError.check(git_odb_add_backend(odb, backend, 999), "cannot add the in-memory object store")
        self.backend = backend!
    }

    /// Writes the objects held in memory as one pack (with its index) and empties the memory.
    public func flush() throws {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try GitError.check(git_mempack_dump(&buffer, repository.pointer, backend), "cannot build a pack")
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, repository.pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        var indexer: OpaquePointer?
        try GitError.check(git_indexer_new(&indexer, repository.gitDir + "objects/pack", 0, odb, nil), "cannot write a pack")
        defer { git_indexer_free(indexer) }
        var stats = git_indexer_progress()
        try GitError.check(git_indexer_append(indexer, buffer.ptr, buffer.size, &stats), "cannot write a pack")
        try GitError.check(git_indexer_commit(indexer, &stats), "cannot write a pack")
        try GitError.check(git_mempack_reset(backend), "cannot empty the in-memory object store")
    }
}
