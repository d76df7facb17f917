#ifndef SPCS_COST_CCURL_SHIM_H
#define SPCS_COST_CCURL_SHIM_H
#include <curl/curl.h>

/* Swift cannot call C variadic functions, so each curl_easy_setopt / curl_easy_getinfo argument type used by
   SnowflakeSQLAPI's CurlTransport gets a typed wrapper here. */

typedef size_t (*spcs_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*spcs_curl_progress_callback)(void *context, curl_off_t download_total, curl_off_t download_now,
                                           curl_off_t upload_total, curl_off_t upload_now);

static inline CURLcode spcs_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_setopt_callback(CURL *handle, CURLoption option, spcs_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_setopt_progress(CURL *handle, CURLoption option, spcs_curl_progress_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode spcs_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode spcs_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode spcs_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
