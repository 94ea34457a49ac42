/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log2 histograms as the BPF side fills them (bcc's convention):
 * slot 0 holds 0 and 1, slot i >= 1 holds [2^i, 2^(i+1)).
 *
 * For Prometheus every slot is labelled by its upper edge: all integer
 * values of slot i are <= 2^(i+1) - 1, so le = 2^(i+1) - 1 (scaled to the
 * metric's base unit) is exact, never one slot off.
 */
#ifndef DMREMAP_HIST_H
#define DMREMAP_HIST_H

#include <stdint.h>
#include <stdio.h>

#define DMR_HIST_SLOTS 64

/* slot of value v */
unsigned int dmr_log2_slot(uint64_t v);
/* lowest value of slot i (0 for slot 0) */
uint64_t dmr_hist_slot_low(unsigned int slot);
/* highest integer value of slot i: 2^(i+1) - 1 (UINT64_MAX for slot 63) */
uint64_t dmr_hist_slot_high(unsigned int slot);
/* Prometheus le of slot i in base units: dmr_hist_slot_high(i) * scale (e.g. 1e-9 for ns -> s) */
double dmr_hist_le(unsigned int slot, double scale);

/*
 * cum[i] = slots[0] + ... + slots[i] for i < n; returns the total (the
 * +Inf bucket and _count).  slots and cum may be the same array.
 */
uint64_t dmr_hist_cumulative(const uint64_t *slots, unsigned int n, uint64_t *cum);

/* index of the highest non-empty slot + 1 (0 when all are empty) */
unsigned int dmr_hist_used(const uint64_t *slots, unsigned int n);

/*
 * Approximate quantile q (0..1) from slot counts: the upper edge of the slot
 * where the q-th value lies (0 when empty).
 */
uint64_t dmr_hist_quantile(const uint64_t *slots, unsigned int n, double q);

/* bcc-style text histogram ("   value range : count |****  |") */
void dmr_hist_print(FILE *f, const uint64_t *slots, unsigned int n, const char *unit);

#endif
