#!/bin/sh
# The module loads, registers the "remap" target, and unloads/reloads.
. /run/vmrun-lib/common.sh

check "dm_remap is loaded" grep -q '^dm_remap ' /proc/modules
check "the remap target is registered" sh -c 'dmsetup targets | grep -q "^remap "'
check "module BTF is present" test -e /sys/kernel/btf/dm_remap
check "tracepoints are registered" test -d /sys/kernel/tracing/events/dm_remap/dm_remap_remap
check "rmmod dm_remap" rmmod dm_remap
check_fails "the target is gone after rmmod" sh -c 'dmsetup targets | grep -q "^remap "'
check "modprobe dm_remap" modprobe dm_remap
check "the target is back after modprobe" sh -c 'dmsetup targets | grep -q "^remap "'
finish
