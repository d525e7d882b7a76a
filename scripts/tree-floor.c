/* The floor of a cold history walk through libgit2: read every first-parent commit's backlog tree
 * once, oldest first, in runs of 50 commits taken by two threads (as board's HistoryReader does),
 * and nothing else: no diff, no item blob, no fold. docs/benchmarks.md, session 6.
 *
 *   cc -O2 -o /tmp/tree-floor scripts/tree-floor.c $(pkg-config --cflags --libs libgit2) -lpthread
 *   /tmp/tree-floor REPO [THREADS]
 */
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RUN = 50 };
static const char *path;
static git_oid *commits;
static size_t count;
static size_t next_run;
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
        for (size_t i = start; i < count && i < start + RUN; i++) {
            git_commit *commit;
            git_tree *root;
            git_odb_object *tree;
            if (git_commit_lookup(&commit, repo, &commits[i]) || git_commit_tree(&root, commit)) exit(2);
            const git_tree_entry *backlog = git_tree_entry_byname(root, "backlog");
            if (backlog && git_odb_read(&tree, odb, git_tree_entry_id(backlog)) == 0) git_odb_object_free(tree);
            git_tree_free(root);
            git_commit_free(commit);
        }
    }
    git_odb_free(odb);
    git_repository_free(repo);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s REPO [THREADS]\n", argv[0]); return 2; }
    path = argv[1];
    int threads = argc > 2 ? atoi(argv[2]) : 2;
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
    printf("%zu commits, %d threads: %.3f s\n", count, threads, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
