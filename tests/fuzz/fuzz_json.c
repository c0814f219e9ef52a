/* fuzz_json: request bodies (fcgi/input.c input_json_object) on any bytes:
 * an object or a message, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *message = NULL;
    json_t *body = input_json_object((const char *)data, size, &message);

    if (body) {
        if (!json_is_object(body))
            abort();
        json_decref(body);
    } else if (!message) {
        abort();
    }
    return 0;
}
