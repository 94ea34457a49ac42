#!/bin/sh
# shellcheck disable=SC2153 # MAIN, SPARE come from setup.sh
# /etc/dmremaptab as at boot: dmremap-generator turns the tab into units,
# and their ExecStart lines (what systemd runs) open the devices; a reboot
# is their ExecStop lines then ExecStart again.  Every remap and every byte
# comes back; a bad line is named and skipped; a nofail line whose device
# is missing fails alone.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/setup.sh

setup_disks || bail "GPT loop disks with a file system"
MAIN2=$(gpt_loop "$SCRATCH/main2.img" 20 dmr-main2) || bail "second main"
SPARE2=$(gpt_loop "$SCRATCH/spare2.img" 10 dmr-spare2) || bail "second spare"

cat >"$SCRATCH/dmremaptab" <<EOT
# name  main                 spare                 options
data    UUID=$MAIN_UUID      PARTLABEL=dmr-spare   scrub_rate=256
logs    $MAIN2               ID=test-spare2        block_size=8192,nofail
gone    PARTLABEL=not-there  PARTLABEL=nor-this    nofail
broken  $MAIN2
EOT
ln -sf "../../${SPARE2#/dev/}" /dev/disk/by-id/test-spare2

units=$SCRATCH/units
mkdir -p "$units"
DMREMAPTAB=$SCRATCH/dmremaptab dmremap-generator "$units" 2>"$SCRATCH/gen.err"
check_eq "generator exits 1 on a bad line" 1 "$?"
check "the bad line is named with file, line and reason" \
	grep -qx "dmremap-generator: $SCRATCH/dmremaptab:5: expected NAME MAIN SPARE \[OPTION,...\], got 2 fields (line skipped)" "$SCRATCH/gen.err"
check "one unit per good line" test -f "$units/dmremap-setup@data.service" -a \
	-f "$units/dmremap-setup@logs.service" -a -f "$units/dmremap-setup@gone.service"
check_fails "none for the bad line" test -e "$units/dmremap-setup@broken.service"
# the units run PREFIX/sbin/dmremap-setup, where make install puts it
bin=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$units/dmremap-setup@data.service")
mkdir -p "$(dirname "$bin")" && ln -sf "$(command -v dmremap-setup)" "$bin"
check "data is required by local-fs.target" test -L "$units/local-fs.target.requires/dmremap-setup@data.service"
check "logs (nofail) is only wanted" test -L "$units/local-fs.target.wants/dmremap-setup@logs.service"

# exec_lines KEY: every unit's KEY= command line, as systemd would run it
exec_lines() {
	for u in "$units"/dmremap-setup@*.service; do
		sed -n "s/^$1=//p" "$u" | sed 's/%%/%/g; s/\$\$/$/g'
	done
}
boot() {
	exec_lines ExecStart | while read -r line; do
		eval "$line" >/dev/null 2>>"$SCRATCH/boot.err"
	done
}
shutdown() {
	exec_lines ExecStop | while read -r line; do
		eval "$line" >/dev/null 2>>"$SCRATCH/boot.err"
	done
}

: >"$SCRATCH/boot.err"
boot
check "boot: data opened" dm_exists data
check "boot: logs opened" dm_exists logs
check_fails "boot: gone (devices missing) is not" dm_exists gone
check "its unit failed with the reason" grep -q "main device PARTLABEL=not-there: no such device" "$SCRATCH/boot.err"
check_eq "data: its main and spare" "$(mm "$MAIN") $(mm "$SPARE")" "$(table_devs data)"
check "data: scrub_rate 256 in its table" sh -c "dmsetup table data | grep -q 'scrub_rate 256'"
check "logs: block_size 8192 in its table" sh -c "dmsetup table logs | grep -q 'block_size 8192'"

# remaps and data on both
make_ref "$SCRATCH/ref1" 2048
make_ref "$SCRATCH/ref2" 1024
check "write data" write_at /dev/mapper/data "$SCRATCH/ref1" 4096
check "write logs" write_at /dev/mapper/logs "$SCRATCH/ref2" 1024
for s in 8200 9000 11000; do
	check "data: remap sector $s" dmsetup message data 0 remap $s
done
check "logs: remap sector 2100" dmsetup message logs 0 remap 2100
list_data=$(dmsetup message data 0 list)
list_logs=$(dmsetup message logs 0 list)
check_eq "data: 3 remaps" 3 "$(status_key data remapped)"
# main's copies of the remapped blocks are overwritten: after the reboot,
# right data can only come from the spare
# (data's block of sector 8200: KiB 4100-4103; logs' 8 KiB block of sector
# 2100: KiB 1048-1055)
make_ref "$SCRATCH/junk4" 4
make_ref "$SCRATCH/junk8" 8
write_at "$MAIN" "$SCRATCH/junk4" 4100
write_at "$MAIN2" "$SCRATCH/junk8" 1048

shutdown
check_fails "shutdown: data closed" dm_exists data
check_fails "shutdown: logs closed" dm_exists logs
check "rmmod (a cold start)" rmmod dm_remap

boot
check "reboot: data back" dm_exists data
check "reboot: logs back" dm_exists logs
check_eq "data: every remap back" "$list_data" "$(dmsetup message data 0 list)"
check_eq "logs: every remap back" "$list_logs" "$(dmsetup message logs 0 list)"
check "data: every byte back" same_data /dev/mapper/data "$SCRATCH/ref1" 4096
check "logs: every byte back" same_data /dev/mapper/logs "$SCRATCH/ref2" 1024
check "logs by hand, without its block_size: the spare's 8192 is used" sh -c \
	"dmremap-setup close logs && dmremap-setup open logs $MAIN2 ID=test-spare2 && dmsetup table logs | grep -q 'block_size 8192'"
check "logs: still every byte" same_data /dev/mapper/logs "$SCRATCH/ref2" 1024
check "booting again opens nothing twice" sh -c "! grep -q 'exists already' '$SCRATCH/boot.err'"
# replacing the disk as README says: copy the remap device, not the main
truncate -s "$(( $(sectors_of /dev/mapper/data) * 512 ))" "$SCRATCH/new.img"
NEW=$(/usr/sbin/losetup --show -f "$SCRATCH/new.img") || bail "new disk"
check "dd the remap device onto a new disk" \
	"$DD" if=/dev/mapper/data of="$NEW" bs=1M conv=noerror,sync
check "the new disk has every byte, remapped blocks included" same_data "$NEW" "$SCRATCH/ref1" 4096
check_fails "(the raw main has not: its remapped block is stale)" same_data "$MAIN" "$SCRATCH/ref1" 4096

shutdown
check_eq "nothing left" "" "$(dmsetup ls --target remap 2>/dev/null | grep -v 'No devices')"
finish
