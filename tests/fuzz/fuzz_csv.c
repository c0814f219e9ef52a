/* fuzz_csv: the CSV reader of imports (fcgi/csv.c) on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *message;
    json_t *records = csv_parse((const char *)data, size, &message);

    if (records) {
        /* Every record is as wide as the header. */
        size_t width = json_array_size(json_array_get(records, 0));

        for (size_t i = 0; i < json_array_size(records); i++)
            if (json_array_size(json_array_get(records, i)) != width)
                abort();
        json_decref(records);
    } else if (!message) {
        abort();
    }
    return 0;
}
