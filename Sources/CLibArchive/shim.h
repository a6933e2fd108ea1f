/* libarchive (Debian libarchive-dev): tenant backups are one .tar.gz (docs/backup.md). */
#include <archive.h>
#include <archive_entry.h>
