# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp: networks, learning rules, data loaders, checkpoints.

# The generator comes from common/ (common.mk).
DANP_SRCS := $(wildcard lib/danp/*.c) $(COMMON_XOSHIRO_SRCS)
DANP_OBJS := $(patsubst %.c,$(O)/%.o,$(DANP_SRCS))
LIBDANP_A := $(O)/lib/libdanp.a
LIBDANP_SO := $(O)/lib/libdanp.so
LIBDANP_PC := $(O)/lib/pkgconfig/libdanp.pc
DANP_LDLIBS := -lopenblas -lz -lm -pthread

LIBS += $(LIBDANP_A) $(LIBDANP_SO) $(LIBDANP_PC)

# The fused elementwise loops vectorise at -O3; contraction into FMA is
# allowed, sqrtf need not set errno (Adam vectorises) and compares may not
# trap (the LeakyReLU select vectorises instead of mispredicting; portable: no
# -march, so the same binary runs on any x86-64/arm64).
$(filter $(O)/lib/%,$(DANP_OBJS)): OPT := -O3 -g -ffp-contract=fast -fno-math-errno -fno-trapping-math
$(DANP_OBJS): CPPFLAGS += $(COMMON_CPPFLAGS)

LIBDANP_DESC := DANP: on-device learning by node perturbation
$(eval $(call library_rules,danp,DANP))
