# shellcheck shell=sh
# Helpers of the dmremap-setup cases (tests/vm/cases/5x-*.sh), after common.sh.
#
# The guest has no udev: the disks are GPT-partitioned loop devices (for
# PARTUUID= and PARTLABEL=, which libblkid finds by probing), the main
# partition carries an ext2 file system (UUID=), and the /dev/disk/by-id
# links ID= needs are made here, as udev would.

# gpt_loop FILE MIB LABEL: a loop device over FILE with one GPT partition
# named LABEL; prints the partition's node (/dev/loopNp1).
gpt_loop() {
	truncate -s "${2}M" "$1" || return 1
	printf 'label: gpt\ntype=L, name="%s"\n' "$3" | sfdisk -q "$1" >/dev/null || return 1
	_loop=$(/usr/sbin/losetup --show -P -f "$1") || return 1
	_i=0
	while [ ! -b "${_loop}p1" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -b "${_loop}p1" ] && echo "${_loop}p1"
}

# setup_disks: MAIN (48 MiB GPT partition "dmr-main" with an ext2 file
# system) and SPARE (16 MiB partition "dmr-spare"); sets MAIN, SPARE,
# MAIN_UUID, MAIN_PARTUUID, SPARE_PARTUUID, and the by-id links
# /dev/disk/by-id/test-main and test-spare.
setup_disks() {
	modprobe loop || return 1
	MAIN=$(gpt_loop "$SCRATCH/main.img" 50 dmr-main) || return 1
	SPARE=$(gpt_loop "$SCRATCH/spare.img" 18 dmr-spare) || return 1
	mke2fs -q "$MAIN" >/dev/null 2>&1 || return 1
	MAIN_UUID=$(blkid_tag UUID "$MAIN")
	MAIN_PARTUUID=$(blkid_tag PARTUUID "$MAIN")
	SPARE_PARTUUID=$(blkid_tag PARTUUID "$SPARE")
	mkdir -p /dev/disk/by-id
	ln -sf "../../${MAIN#/dev/}" /dev/disk/by-id/test-main
	ln -sf "../../${SPARE#/dev/}" /dev/disk/by-id/test-spare
	[ -n "$MAIN_UUID" ] && [ -n "$MAIN_PARTUUID" ] && [ -n "$SPARE_PARTUUID" ]
}

# blkid_tag TAG DEV: util-linux blkid's probe of a tag (UUID, PARTUUID)
blkid_tag() {
	/usr/sbin/blkid -s "$1" -o value "$2"
}

# table_devs NAME: "major:minor major:minor" of the devices in NAME's table
table_devs() {
	dmsetup table "$1" | awk '{ print $4, $5 }'
}

# mm DEV: major:minor of a node
mm() {
	stat -L -c '%t:%T' "$1" | { IFS=: read -r a b; echo "$((0x$a)):$((0x$b))"; }
}
