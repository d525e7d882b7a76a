/* The floor of a cold history walk through libgit2: read every first-parent commit's backlog tree
 * once, oldest first, in runs of 50 commits taken by two threads (as board's HistoryReader does),
 * and nothing else: no diff, no item blob, no fold. docs/benchmarks.md, sessions 6 and 7.
 * With `blobs`, also read each blob that a commit's backlog tree holds and its parent's does not
 * (an added or changed item file), found by a merge of the two raw trees; nothing is parsed.
 *
 *   cc -O2 -o /tmp/tree-floor scripts/tree-floor.c $(pkg-config --cflags --libs libgit2) -lpthread
 *   /tmp/tree-floor REPO [THREADS [blobs]]
 */
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUN = 50 };
static const char *path;
static git_oid *commits;
static size_t count;
static size_t next_run;
static int with_blobs;
static size_t blobs_read;

/* The backlog tree of a commit, or NULL. */
static git_odb_object *backlog_tree(git_repository *repo, git_odb *odb, const git_oid *id) {
    git_commit *commit;
    git_tree *root;
    git_odb_object *tree = NULL;
    if (git_commit_lookup(&commit, repo, id) || git_commit_tree(&root, commit)) exit(2);
    const git_tree_entry *backlog = git_tree_entry_byname(root, "backlog");
    if (backlog && git_odb_read(&tree, odb, git_tree_entry_id(backlog))) tree = NULL;
    git_tree_free(root);
    git_commit_free(commit);
    return tree;
}

/* One raw tree entry ("MODE NAME\0" and a 20-byte id) at *at, moving *at past it. */
static const unsigned char *entry(const unsigned char **at, const unsigned char *end, size_t *name_length) {
    if (*at >= end) return NULL;
    const unsigned char *start = *at, *nul = memchr(start, 0, end - start);
    *name_length = nul - start;
    *at = nul + 21;
    return start;
}

/* Reads the blobs of `new` whose entry `old` lacks (same mode and name, other id, or a new name). */
static size_t read_new_blobs(git_odb *odb, git_odb_object *old, git_odb_object *new) {
    const unsigned char *a = old ? git_odb_object_data(old) : NULL, *b = git_odb_object_data(new);
    const unsigned char *a_end = a + (old ? git_odb_object_size(old) : 0), *b_end = b + git_odb_object_size(new);
    size_t read = 0, la = 0, lb = 0;
    const unsigned char *ea = entry(&a, a_end, &la);
    for (const unsigned char *eb; (eb = entry(&b, b_end, &lb));) {
        int order = 1;
        while (ea && (order = memcmp(ea, eb, la < lb ? la : lb) ? memcmp(ea, eb, la < lb ? la : lb) : (int)la - (int)lb) < 0)
            ea = entry(&a, a_end, &la);
        if (order == 0 && memcmp(ea + la + 1, eb + lb + 1, 20) == 0) continue;
        git_oid id;
        git_odb_object *blob;
        git_oid_fromraw(&id, eb + lb + 1);
        if (git_odb_read(&blob, odb, &id) == 0) { git_odb_object_free(blob); read++; }
    }
    return read;
}
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *unused) {
    (void)unused;
    git_repository *repo;
    git_odb *odb;
    if (git_repository_open(&repo, path) || git_repository_odb(&odb, repo)) exit(2);
    for (;;) {
        pthread_mutex_lock(&lock);
        size_t start = next_run++ * RUN;
        pthread_mutex_unlock(&lock);
        if (start >= count) break;
        /* A run diffs its first commit against the one before it, as board's runs do. */
        git_odb_object *last = with_blobs && start > 0 ? backlog_tree(repo, odb, &commits[start - 1]) : NULL;
        size_t read = 0;
        for (size_t i = start; i < count && i < start + RUN; i++) {
            git_odb_object *tree = backlog_tree(repo, odb, &commits[i]);
            if (with_blobs && tree) read += read_new_blobs(odb, last, tree);
            if (last) git_odb_object_free(last);
            last = with_blobs ? tree : NULL;
            if (!with_blobs && tree) git_odb_object_free(tree);
        }
        if (last) git_odb_object_free(last);
        pthread_mutex_lock(&lock);
        blobs_read += read;
        pthread_mutex_unlock(&lock);
    }
    git_odb_free(odb);
    git_repository_free(repo);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s REPO [THREADS]\n", argv[0]); return 2; }
    path = argv[1];
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    with_blobs = argc > 3 && strcmp(argv[3], "blobs") == 0;
    git_libgit2_init();
    /* board's settings (Sources/BoardKit/Git/Repository.swift). */
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, (int)GIT_OBJECT_TREE, (size_t)16 << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)32 << 20);
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_repository *repo;
    git_revwalk *walk;
    if (git_repository_open(&repo, path) || git_revwalk_new(&walk, repo)) return 2;
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    git_revwalk_simplify_first_parent(walk);
    git_revwalk_push_head(walk);
    size_t capacity = 1024;
    commits = malloc(capacity * sizeof *commits);
    git_oid oid;
    while (git_revwalk_next(&oid, walk) == 0) {
        if (count == capacity) commits = realloc(commits, (capacity *= 2) * sizeof *commits);
        commits[count++] = oid;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pthread_t ids[16];
    for (int t = 0; t < threads && t < 16; t++) pthread_create(&ids[t], NULL, work, NULL);
    for (int t = 0; t < threads && t < 16; t++) pthread_join(ids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%zu commits, %zu blobs, %d threads: %.3f s\n", count, blobs_read, threads,
           (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
