// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "hist.h"

unsigned int dmr_log2_slot(uint64_t v)
{
	return v < 2 ? 0 : 63u - (unsigned int)__builtin_clzll(v);
}

uint64_t dmr_hist_slot_low(unsigned int slot)
{
	if (slot == 0)
		return 0;
	if (slot >= 64)
		return UINT64_MAX;
	return 1ULL << slot;
}

uint64_t dmr_hist_slot_high(unsigned int slot)
{
	if (slot >= 63)
		return UINT64_MAX;
	return (1ULL << (slot + 1)) - 1;
}

double dmr_hist_le(unsigned int slot, double scale)
{
	return (double)dmr_hist_slot_high(slot) * scale;
}

uint64_t dmr_hist_cumulative(const uint64_t *slots, unsigned int n, uint64_t *cum)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < n; i++) {
		total += slots[i];
		cum[i] = total;
	}
	return total;
}

unsigned int dmr_hist_used(const uint64_t *slots, unsigned int n)
{
	while (n && !slots[n - 1])
		n--;
	return n;
}

uint64_t dmr_hist_quantile(const uint64_t *slots, unsigned int n, double q)
{
	uint64_t total = 0, seen = 0, rank;

	for (unsigned int i = 0; i < n; i++)
		total += slots[i];
	if (!total)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	rank = (uint64_t)(q * (double)total + 0.5);
	if (rank < 1)
		rank = 1;
	for (unsigned int i = 0; i < n; i++) {
		seen += slots[i];
		if (seen >= rank)
			return dmr_hist_slot_high(i);
	}
	return dmr_hist_slot_high(n - 1);
}

void dmr_hist_print(FILE *f, const uint64_t *slots, unsigned int n, const char *unit)
{
	unsigned int used = dmr_hist_used(slots, n);
	uint64_t max = 0;
	const int width = 40;

	for (unsigned int i = 0; i < used; i++)
		if (slots[i] > max)
			max = slots[i];
	fprintf(f, "%24s : %-10s |%-*s|\n", unit ? unit : "value", "count", width, "distribution");
	for (unsigned int i = 0; i < used; i++) {
		int stars = max ? (int)((slots[i] * (uint64_t)width + max - 1) / max) : 0;
		char bar[41];

		memset(bar, '*', (size_t)stars);
		bar[stars] = '\0';
		fprintf(f, "%10llu -> %-10llu : %-10llu |%-*s|\n",
			(unsigned long long)dmr_hist_slot_low(i),
			(unsigned long long)dmr_hist_slot_high(i),
			(unsigned long long)slots[i], width, bar);
	}
}
