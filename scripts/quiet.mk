# SPDX-License-Identifier: GPL-2.0
#
# Included by bpf/Makefile and tools/Makefile: one short line per step
# ($(call msg,WHAT,FILE)), or the commands themselves with V=1.
ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif
