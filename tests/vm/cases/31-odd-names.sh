#!/bin/sh
# dm names are any bytes: foreign dm devices named with a space and byte
# 0xff, a quote and a backslash, raw UTF-8 (dmsetup --manglename none), and
# a remap device with such a name, present while dmremap-exporter,
# dmremap-top -b and dmremap-trace events run.  Every tool keeps working and
# names each remap device by its display name (printable UTF-8 kept, other
# bytes and the backslash as \xHH: tools/lib/names.h), never "MAJ:MIN".
. /run/vmrun-lib/common.sh

D=$SCRATCH/textfile
PROM=$D/dm_remap.prom
mkdir -p "$D"

remap_setup
# the odd remap device: r1 "q\é + byte 0xfe
nullb_create main1 16 || bail "null_blk main1"
nullb_create spare1 8 || bail "null_blk spare1"
ODD=$(printf 'r1 "q\\\303\251\376')
echo "0 $(sectors_of /dev/main1) remap /dev/main1 /dev/spare1" |
	dmsetup create --manglename none "$ODD" || bail "create the odd-named remap device"
ODD_DISP='r1 "q\x5cé\xfe'			# its display name
ODD_LABEL='r1 \"q\\x5cé\\xfe'			# the same as a Prometheus label value
ODD_JSON='r1 \"q\\x5cé\\xfe'			# and as a JSON string
ODD_DM=dm-$(dmsetup info -c --noheadings --manglename none -o minor "$ODD" | tr -d ' ')
R0_DM=dm-$(dmsetup info -c --noheadings -o minor r0 | tr -d ' ')

# foreign devices (error target, built into dm-mod) whose names broke libdevmapper's listing
for n in "$(printf 'a b\377')" "$(printf 'q"uo\\te')" "$(printf 'caf\303\251 \342\202\254')"; do
	dmsetup create --manglename none "$n" --table "0 8 error" ||
		bail "create a foreign device named $(printf '%s' "$n" | od -c | head -n 1)"
done
check_eq "four dm devices besides r0 (three foreign, one odd-named remap)" 4 "$(dmsetup ls --manglename none | grep -vc '^r0[[:space:]]')"

# --- the exporter ---------------------------------------------------------------
dmremap-exporter --textfile-dir "$D" --interval 1 2>"$SCRATCH/exp.err" &
EXP=$!
check "the exporter writes the file" wait_for grep -q '^dm_remap_exporter_bpf_attached 1$' "$PROM"
check_eq "two remap devices, the foreign ones ignored" 2 \
	"$(awk '$1 == "dm_remap_exporter_devices" { print $2 }' "$PROM")"
check "r0 has its series" grep -q "^dm_remap_spare_blocks{device=\"r0\",dm=\"$R0_DM\"} " "$PROM"
check "the odd remap device has its series, escaped" \
	grep -qF "dm_remap_spare_blocks{device=\"$ODD_LABEL\",dm=\"$ODD_DM\"} " "$PROM"
check "no foreign device in the file" sh -c "! grep -q 'device=\"a b\|device=\"q\\\\\"uo\|device=\"caf' '$PROM'"
check "no libdevmapper or listing error" sh -c "! grep -q 'cannot list\|not updated' '$SCRATCH/exp.err'"
# I/O on the odd device is counted under its name
make_ref "$SCRATCH/a" 4
check "a write to the odd device" write_at "/dev/$ODD_DM" "$SCRATCH/a" 0
check "the write is in the odd device's histogram" wait_for grep -qF \
	"dm_remap_io_latency_seconds_count{device=\"$ODD_LABEL\",dm=\"$ODD_DM\",op=\"write\",path=\"main\"} 1" "$PROM"
kill -TERM "$EXP"
wait "$EXP"
check_eq "the exporter exits 0" 0 "$?"
check "--once lists them too" dmremap-exporter --once --textfile-dir "$D"
check "--once: the odd remap device" \
	grep -qF "dm_remap_remapped_blocks{device=\"$ODD_LABEL\",dm=\"$ODD_DM\"} 0" "$PROM"
echo "=== BEGIN dm_remap.prom (odd names) ==="
cat "$PROM"
echo "=== END dm_remap.prom (odd names) ==="

# --- dmremap-top -b ---------------------------------------------------------------
dmremap-top -b -d 1 -n 2 >"$SCRATCH/top.out" 2>"$SCRATCH/top.err"
check_eq "dmremap-top -b exits 0" 0 "$?"
check "dmremap-top shows r0" grep -q '^r0 ' "$SCRATCH/top.out"
check "dmremap-top shows the odd device by its display name" grep -qF "$ODD_DISP " "$SCRATCH/top.out"
check "dmremap-top: two devices" grep -q ' - 2 devices' "$SCRATCH/top.out"
check "dmremap-top accepts the display name as DEVICE" sh -c \
	"dmremap-top -b -d 1 -n 1 '$ODD_DISP' | grep -qF ' - 1 device'"
dmremap-top -j -d 1 -n 1 >"$SCRATCH/top.json" 2>>"$SCRATCH/top.err"
check "dmremap-top -j names the odd device" grep -qF "\"device\":\"$ODD_JSON\"" "$SCRATCH/top.json"

# --- dmremap-trace events ---------------------------------------------------------
dmremap-trace events -j >"$SCRATCH/ev.json" 2>"$SCRATCH/ev.err" &
EV=$!
wait_for grep -q Tracing "$SCRATCH/ev.err" || bail "dmremap-trace events did not start: $(cat "$SCRATCH/ev.err")"
nullb_badblocks main "+2048-2055"
check "a remapped write on r0" write_at /dev/mapper/r0 "$SCRATCH/a" 1024
nullb_badblocks main1 "+64-71"
check "a remapped write on the odd device" write_at "/dev/$ODD_DM" "$SCRATCH/a" 32
sleep 1
kill -INT "$EV"
wait "$EV"
check_eq "dmremap-trace events exits 0" 0 "$?"
check "the remap event names r0" grep -q '"event":"remap","device":"r0"' "$SCRATCH/ev.json"
check "the remap event names the odd device" \
	grep -qF "\"event\":\"remap\",\"device\":\"$ODD_JSON\"" "$SCRATCH/ev.json"
check "no event shows a device as MAJ:MIN" sh -c "! grep -q '\"device\":\"[0-9]*:[0-9]*\"' '$SCRATCH/ev.json'"
if [ "$T_FAILED" != 0 ]; then
	sed 's/^/#   events: /' "$SCRATCH/ev.json" | head -n 10
	sed 's/^/#   top: /' "$SCRATCH/top.out" "$SCRATCH/top.err" | head -n 20
fi

check "remove every device" sh -c "dmsetup remove_all --manglename none"
check "rmmod dm_remap" rmmod dm_remap
finish
