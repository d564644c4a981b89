/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_port.h - the one function libstubflash-sim.so.0 exports. */
#ifndef SIM_PORT_H
#define SIM_PORT_H

#include "stubflash/port-provider.h"

/** The "sim:PART[?options]" ports: a virtual STM32 (sim/) inside the process, options as
 * sf_port_open (stubflash/port.h) lists them. libstubflash finds this function with dlsym. */
SF_API const sf_port_provider *sf_sim_port_provider(void);

#endif
