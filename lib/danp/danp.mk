# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp: networks, learning rules, data loaders, checkpoints.

DANP_SRCS := $(wildcard lib/danp/*.c)
DANP_OBJS := $(patsubst %.c,$(O)/%.o,$(DANP_SRCS))
LIBDANP_A := $(O)/lib/libdanp.a
LIBDANP_SO := $(O)/lib/libdanp.so
DANP_LDLIBS := -lopenblas -lz -lm -pthread

LIBS += $(LIBDANP_A) $(LIBDANP_SO)

# The fused elementwise loops vectorise at -O3; contraction into FMA is
# allowed, sqrtf need not set errno (Adam vectorises) and compares may not
# trap (the LeakyReLU select vectorises instead of mispredicting; portable: no
# -march, so the same binary runs on any x86-64/arm64).
$(DANP_OBJS): OPT := -O3 -g -ffp-contract=fast -fno-math-errno -fno-trapping-math

$(LIBDANP_A): $(DANP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBDANP_SO): $(DANP_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libdanp.so.0 -o $@ $^ $(DANP_LDLIBS)
