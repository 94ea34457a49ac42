#!/bin/sh
# shellcheck disable=SC2153 # MAIN, SPARE come from setup.sh
# dmremap-setup refuses, with a one-line reason and exit status 1, what
# would hurt: a taken name, a missing device, a device in use, the same
# device twice, a spare of another main, a spare holding something else,
# a table the kernel refuses (its reason passed on); close refuses a
# device in use unless --force.  It loads the module itself.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/setup.sh

setup_disks || bail "GPT loop disks with a file system"

# refused DESC REASON_PATTERN CMD...: exits 1 with one stderr line matching
refused() {
	_desc=$1 _pat=$2
	shift 2
	_err=$("$@" 2>&1 >/dev/null)
	_rc=$?
	if [ "$_rc" = 1 ] && [ "$(printf '%s\n' "$_err" | wc -l)" = 1 ] &&
		printf '%s\n' "$_err" | grep -q -- "$_pat"; then
		ok "$_desc: $_err"
	else
		not_ok "$_desc (exit $_rc, wanted 1 and one line matching '$_pat', got '$_err')"
	fi
}

check "rmmod dm_remap before the first open" rmmod dm_remap
check "open loads the module" dmremap-setup open r1 "$MAIN" "$SPARE"
check "dm_remap is loaded" test -d /sys/module/dm_remap

check "open again over the same devices: nothing to do" sh -c \
	"dmremap-setup open r1 '$MAIN' '$SPARE' | grep -q 'r1: already open over main $MAIN and spare $SPARE'"
echo "0 8 error" | dmsetup create taken
refused "name taken" "a device named taken exists already" \
	dmremap-setup open taken "$MAIN" "$SPARE"
check "remove it" dmsetup remove taken
refused "main held by r1" "$MAIN is in use by dm-[0-9]* (r1)" \
	dmremap-setup open r2 "$MAIN" "$SPARE"
refused "missing UUID" "main device UUID=00000000-0000-0000-0000-000000000000: no such device" \
	dmremap-setup open r2 UUID=00000000-0000-0000-0000-000000000000 "$SPARE"
refused "missing path" "spare device /dev/nothing: No such file or directory" \
	dmremap-setup open r2 "$MAIN" /dev/nothing
refused "missing ID=" "spare device /dev/disk/by-id/nothing:" \
	dmremap-setup open r2 "$MAIN" ID=nothing
refused "missing PARTLABEL=" "PARTLABEL=nothing: no such device" \
	dmremap-setup open r2 PARTLABEL=nothing "$SPARE"
refused "not a block device" "/dev/null is not a block device" \
	dmremap-setup open r2 /dev/null "$SPARE"

# close refuses a device in use
check "mount r1's file system" sh -c "mkdir -p /mnt/r1 && mount -t ext2 /dev/mapper/r1 /mnt/r1"
refused "close of a mounted device" "r1 is mounted on /mnt/r1 (close it first, or --force)" \
	dmremap-setup close r1
check "umount" umount /mnt/r1
# shellcheck disable=SC2217 # holds r1 open, as a program using it would
sleep 1000 </dev/mapper/r1 &
holder=$!
sleep 0.5
refused "close of an open device" "r1 is open (1 opener)" dmremap-setup close r1
kill $holder; wait $holder 2>/dev/null
echo "0 $(sectors_of /dev/mapper/r1) linear /dev/mapper/r1 0" | dmsetup create over-r1
refused "close of a device held by another" "r1 is in use by dm-[0-9]* (over-r1)" dmremap-setup close r1
check "close --force defers the removal" sh -c "dmremap-setup close --force r1 | grep -q 'removal deferred'"
check "r1 still there while held" dm_exists r1
check "remove the holder" dmsetup remove over-r1
check "r1 is removed when its holder goes" wait_for sh -c "! dmsetup info r1"
refused "close of no device" "no device named r1" dmremap-setup close r1
echo "0 8 error" | dmsetup create notremap
refused "close of a non-remap device" "notremap is not a remap device" dmremap-setup close notremap
check "remove it" dmsetup remove notremap

# devices in use by others
check "mount main" sh -c "mount -t ext2 $MAIN /mnt/r1"
refused "main mounted" "$MAIN is mounted on /mnt/r1" dmremap-setup open r2 "$MAIN" "$SPARE"
check "umount main" umount /mnt/r1
echo "0 8 linear $SPARE 0" | dmsetup create holds-spare
refused "spare held" "$SPARE is in use by dm-[0-9]* (holds-spare)" dmremap-setup open r2 "$MAIN" "$SPARE"
check "remove the spare's holder" dmsetup remove holds-spare
# claimed exclusively without a mount or a holder: an active swap area
SWAP=$(gpt_loop "$SCRATCH/swap.img" 10 dmr-swap) || bail "swap disk"
mkswap "$SWAP" >/dev/null 2>&1 && swapon "$SWAP" || bail "swapon"
refused "spare used as swap" "$SWAP is in use (opened exclusively by another program)" \
	dmremap-setup open r2 "$MAIN" "$SWAP"
check "swapoff" swapoff "$SWAP"
refused "same device twice" "are the same device" dmremap-setup open r2 "$MAIN" "PARTLABEL=dmr-main"

# a spare of another main: a second main of another size
OTHER=$(gpt_loop "$SCRATCH/other.img" 40 dmr-other) || bail "second main"
refused "spare of another main" "spare $SPARE belongs to another main device" \
	dmremap-setup open r2 "$OTHER" "$SPARE"
refused "another block size than the spare's" "spare $SPARE is formatted with block_size=4096, not 8192" \
	dmremap-setup open r2 "$MAIN" "$SPARE" block_size=8192
check "the spare is untouched: its main opens it" dmremap-setup open r2 "$MAIN" "$SPARE"
check_eq "with its remap table" 0 "$(status_key r2 remapped)"
check "close" dmremap-setup close r2

# a spare holding something else
SPARE2=$(gpt_loop "$SCRATCH/spare2.img" 18 dmr-spare2) || bail "second spare"
make_ref "$SCRATCH/junk" 4
"$DD" if="$SCRATCH/junk" of="$SPARE2" bs=4096 count=1 conv=notrunc 2>/dev/null
refused "foreign spare" "holds something other than dm-remap metadata (add the option format" \
	dmremap-setup open r3 "$OTHER" "$SPARE2"
check "with format it is formatted" dmremap-setup open r3 "$OTHER" "$SPARE2" format
check "close" dmremap-setup close r3

# a refusal only the kernel knows: its reason comes through
BIG=$(/usr/sbin/losetup --show -f --sector-size 4096 "$SCRATCH/spare2.img") || bail "4Kn loop"
refused "kernel refusal: block_size below the spare's logical block size" "r4: .*[Bb]lock" \
	dmremap-setup open r4 "$OTHER" "$BIG" block_size=512,format
check_fails "no r4 left behind" dm_exists r4

# usage errors: exit 2
dmremap-setup open r5 "$MAIN" "$SPARE" bogus_option 2>"$SCRATCH/err"
check_eq "unknown option: usage error" 2 "$?"
check "it names the option" grep -q "unknown option 'bogus_option'" "$SCRATCH/err"
dmremap-setup open r5 "$MAIN" "$SPARE" block_size=1000 2>/dev/null
check_eq "block_size not a power of two: usage error" 2 "$?"
dmremap-setup open "a/b" "$MAIN" "$SPARE" 2>/dev/null
check_eq "a name with a slash: usage error" 2 "$?"
check_eq "no remap device left" "" "$(dmsetup ls --target remap 2>/dev/null | grep -v 'No devices')"
finish
