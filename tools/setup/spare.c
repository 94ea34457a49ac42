// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "spare.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dmr_meta.h"

int spare_check(const struct blockdev *spare, const struct blockdev *main_dev, bool format,
		uint32_t *block_size, char *why, size_t len)
{
	char err[256], partuuid[64], id[2 * DMR_MAIN_ID_LEN + 8];
	struct dmr_meta m;
	int fd, ret;

	*block_size = 0;
	/* O_DIRECT: what the kernel wrote with bios, not a stale page cache */
	fd = open(spare->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "%s: %s", spare->path, strerror(errno));
		return ret;
	}
	ret = dmr_meta_read(fd, &m, err, sizeof(err));
	close(fd);
	if (ret) {
		snprintf(why, len, "%s: %s", spare->path, err);
		dmr_meta_free(&m);
		return ret;
	}
	ret = 0;
	if (m.state == DMR_META_FOREIGN && !format) {
		snprintf(why, len,
			 "spare %s holds something other than dm-remap metadata (add the option format to overwrite it)",
			 spare->path);
		ret = 1;
	} else if (m.state == DMR_META_FORMATTED) {
		*block_size = m.sb.block_size;
		blockdev_partuuid(main_dev, partuuid, sizeof(partuuid));
		dmr_main_id_str(m.sb.main_id, id, sizeof(id));
		if (m.sb.main_sectors != main_dev->sectors ||
		    m.sb.main_logical_block_size != main_dev->lbs ||
		    m.sb.main_physical_block_size != main_dev->pbs ||
		    (id[0] && partuuid[0] && strcasecmp(id, partuuid))) {
			snprintf(why, len,
				 "spare %s belongs to another main device (%llu sectors%s%s), not to %s (%llu sectors%s%s)",
				 spare->path, (unsigned long long)m.sb.main_sectors,
				 id[0] ? ", partition " : "", id, main_dev->path,
				 main_dev->sectors, partuuid[0] ? ", partition " : "", partuuid);
			ret = 1;
		}
	}
	dmr_meta_free(&m);
	return ret;
}
