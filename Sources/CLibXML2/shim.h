// libxml2 as Debian builds it has ICU support, and its encoding.h then includes the system's
// <unicode/ucnv.h>. Swift's Foundation carries its own ICU copy (_FoundationICU) whose UErrorCode
// differs, and a Swift file that sees both fails with "UErrorCode has different definitions".
// We never touch libxml2's ICU converters (only pointers to encoding handlers), so hide them.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <string.h>
