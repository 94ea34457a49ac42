/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crc32c.h - CRC-32C (Castagnoli, reflected polynomial 0x82f63b78).
 *
 * dmr_crc32c() neither inverts the seed nor the result: it is the
 * kernel's crc32c(seed, data, len).  dm-remap's metadata checksums are
 * dmr_crc32c(~0U, data, len), i.e. the standard CRC-32C without its final
 * inversion: dmr_crc32c(~0U, "123456789", 9) == 0x1cf96d7c == ~0xe3069283.
 * Chain calls by passing the previous result as the seed.
 */
#ifndef DMREMAP_CRC32C_H
#define DMREMAP_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t dmr_crc32c(uint32_t seed, const void *data, size_t len);

#endif
