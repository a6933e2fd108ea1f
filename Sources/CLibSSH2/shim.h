#include <libssh2.h>

#ifdef __linux__
/* NETCONFClient's event loop drives libssh2 sessions with epoll; Swift's Glibc module does not
   export these Linux headers, so they ride along with the library they serve. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/tcp.h>
#endif

/* nxr-sim's SFTPTransfer (firmware images and config backups over ssh://). */
#include <libssh2_sftp.h>
