#include <git2.h>

/// git_libgit2_opts is variadic, which Swift cannot call; this fixed-arity wrapper turns owner validation
/// on or off (repositories of CI checkouts and temp dirs often belong to another user).
static inline int cms_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
