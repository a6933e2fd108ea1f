#include <curl/curl.h>

/// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these fixed-arity wrappers
/// take each option's one argument type.
static inline CURLcode cms_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cms_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cms_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cms_curl_set_list(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}

typedef size_t (*cms_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*cms_curl_debug_callback)(CURL *curl, curl_infotype type, char *data, size_t size, void *userdata);

static inline CURLcode cms_curl_set_io_callback(CURL *curl, CURLoption option, cms_curl_io_callback callback) {
    return curl_easy_setopt(curl, option, callback);
}
static inline CURLcode cms_curl_set_debug_callback(CURL *curl, cms_curl_debug_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, callback);
}
static inline long cms_curl_response_code(CURL *curl) {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
