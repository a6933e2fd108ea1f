/* mbed TLS (Debian libmbedtls-dev) — the TLS library Debian 12's libgit2 is built with. GitSource uses only its
   X.509 part: checking a git server's certificate against the CA file a tenant's `repo.https.caFile` names. */
#include <mbedtls/x509_crt.h>
