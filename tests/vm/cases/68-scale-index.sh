#!/bin/sh
# The remap index at scale: 20,000 remaps scattered over a 16 TiB main
# device, built offline by `dmremap-meta build` in the real format.  Every
# remapped block reads its own stamp from the spare, its neighbours read
# main (zeroes); `list` pages through exactly the table; a reload and a
# remove keep it; a new remap lands among the loaded ones.
. /run/vmrun-lib/common.sh

N=20000
MAIN_SECTORS=34359738368	# 16 TiB
modprobe dm-zero 2>/dev/null
echo "0 $MAIN_SECTORS zero" | dmsetup create zmain || bail "dm-zero main"
nullb_create spare 90 || bail "null_blk spare"
check "dmremap-meta build writes $N remaps" \
	dmremap-meta build --remaps "$N" --seed 7 --main /dev/mapper/zmain --stamp /dev/spare
check "dmremap-meta check: consistent" dmremap-meta check -q /dev/spare
dmremap-meta dump -j /dev/spare | grep '"record":"entry"' |
	sed 's/.*"logical":\([0-9]*\),"spare_block":\([0-9]*\),.*/\1 \2/' | sort -n >"$SCRATCH/truth"
check_eq "the dump lists $N entries" "$N" "$(wc -l <"$SCRATCH/truth")"
POOL_START=$(dmremap-meta dump -j /dev/spare | sed -n 's/.*"record":"superblock".*"pool_start":\([0-9]*\),.*/\1/p')

TABLE="0 $MAIN_SECTORS remap /dev/mapper/zmain /dev/spare"
echo "$TABLE" | dmsetup create r0 || bail "create r0 over the built spare"
check_eq "remapped=$N" "$N" "$(status_key r0 remapped)"

# list, in pages of 3000 from the block after the last one listed
list_all() {
	_first=0
	: >"$SCRATCH/list"
	while :; do
		dmsetup message "$1" 0 list "$_first" 3000 >"$SCRATCH/page" || return 1
		[ -s "$SCRATCH/page" ] || break
		cat "$SCRATCH/page" >>"$SCRATCH/list"
		_first=$(( $(tail -n 1 "$SCRATCH/page" | cut -d' ' -f1) + 1 ))
	done
}
check "list pages through the map" list_all r0
check "the pages hold exactly the table, in block order" cmp "$SCRATCH/truth" "$SCRATCH/list"
FIRST=$(head -n 1 "$SCRATCH/truth" | cut -d' ' -f1)
check_eq "list from the first block's successor starts at the second" \
	"$(sed -n 2p "$SCRATCH/truth")" \
	"$(dmsetup message r0 0 list $((FIRST + 1)) 1)"

# stamp_of DEV BLOCK: "MAGIC:LOGICAL" from the stamp at the start of 4 KiB
# block BLOCK of DEV (what `dmremap-meta build --stamp` wrote).
stamp_of() {
	"$DD" if="$1" of="$SCRATCH/blk" bs=4096 skip="$2" count=1 iflag=direct 2>/dev/null
	printf '%s:%s' "$(head -c 8 "$SCRATCH/blk")" \
		"$(od -A n -t u8 -j 8 -N 8 "$SCRATCH/blk" | tr -d ' ')"
}
zero_ref "$SCRATCH/zero" 4
# Every 1000th remapped block (20) reads its stamp, through the device and
# raw on the spare at its spare block; the block after it, unless remapped,
# reads zeroes from main.
bad=0
checked=0
# shellcheck disable=SC2013 # block:sector words, no spaces
for line in $(awk 'NR % 1000 == 1 { print $1 ":" $2 }' "$SCRATCH/truth"); do
	b=${line%:*}
	s=${line#*:}
	got=$(stamp_of /dev/mapper/r0 "$b")
	raw=$(stamp_of /dev/spare $((POOL_START / 8 + s)))
	if [ "$got" != "DMRSTAMP:$b" ] || [ "$raw" != "DMRSTAMP:$b" ]; then
		echo "# block $b (spare $s): read [$got], the spare holds [$raw], want [DMRSTAMP:$b]"
		bad=$((bad + 1))
	fi
	if ! grep -q "^$((b + 1)) " "$SCRATCH/truth"; then
		"$DD" if=/dev/mapper/r0 of="$SCRATCH/blk" bs=4096 skip=$((b + 1)) count=1 \
			iflag=direct 2>/dev/null
		if ! cmp -s "$SCRATCH/zero" "$SCRATCH/blk"; then
			echo "# block $((b + 1)) is not remapped but does not read zeroes"
			bad=$((bad + 1))
		fi
	fi
	checked=$((checked + 1))
done
check_eq "remapped blocks read their stamp, their neighbours zeroes (failures, blocks)" \
	"0 20" "$bad $checked"

# A new remap among the loaded ones, then a reload and a remove keep all.
NEWB=$(( $(sed -n 100p "$SCRATCH/truth" | cut -d' ' -f1) + 1 ))
grep -q "^$NEWB " "$SCRATCH/truth" && NEWB=$((NEWB + 1))
check "remap a new block by message" dmsetup message r0 0 remap $((NEWB * 8))
make_ref "$SCRATCH/a" 4
check "write it through the device (to the spare)" write_at /dev/mapper/r0 "$SCRATCH/a" $((NEWB * 4))
check_eq "remapped=$((N + 1))" "$((N + 1))" "$(status_key r0 remapped)"
check_eq "list finds it at spare block $N" "$NEWB $N" "$(dmsetup message r0 0 list "$NEWB" 1)"
check "reload and resume" sh -c "echo '$TABLE' | dmsetup reload r0 && dmsetup resume r0"
check_eq "remapped=$((N + 1)) after the reload" "$((N + 1))" "$(status_key r0 remapped)"
check "its data after the reload (dm-zero main would give zeroes)" same_data /dev/mapper/r0 "$SCRATCH/a" $((NEWB * 4))
check "remove" dmsetup remove r0
check "create again" sh -c "echo '$TABLE' | dmsetup create r0"
check "list after re-create: the table and the new remap" list_all r0
printf '%s %s\n' "$NEWB" "$N" | cat - "$SCRATCH/truth" | sort -n >"$SCRATCH/truth2"
check "the pages hold the table and the new remap" cmp "$SCRATCH/truth2" "$SCRATCH/list"
check "remove" dmsetup remove r0
check "dmremap-meta check after the module's commit" dmremap-meta check -q /dev/spare
dmsetup remove zmain
check "kernel log clean" kernel_log_clean
finish
