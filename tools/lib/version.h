/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DMREMAP_VERSION_H
#define DMREMAP_VERSION_H

#define DMREMAP_VERSION "0.1.0"

#endif
