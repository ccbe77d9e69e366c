# SPDX-License-Identifier: GPL-2.0-or-later
#
# The smtj Python module: a CPython extension in C over libsmtj, built
# with plain make against Debian's python3-dev (Python.h) and linked like
# the tools (libsmtj.a in the build tree, libsmtj.so for the packages).
# numpy is needed at run time only (imported by the module when used).

PYTHON ?= /usr/bin/python3
PY_INCLUDE := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
PY_EXT_SUFFIX := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))' 2>/dev/null)
PY_SRCS := $(wildcard python/*.c)
PY_OBJS := $(patsubst %.c,$(O)/%.o,$(PY_SRCS))
PY_DIR := $(O)/python
PY_MODULE := $(PY_DIR)/smtj$(PY_EXT_SUFFIX)

LIBS += $(PY_MODULE)

$(PY_OBJS): CPPFLAGS += -isystem $(PY_INCLUDE)

# libsmtj's symbols stay inside the module (--exclude-libs) so that it
# never clashes with a libsmtj.so loaded by another extension.
$(PY_MODULE): $(PY_OBJS) $(TOOL_LIBSMTJ)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,--exclude-libs,ALL -o $@ $(PY_OBJS) \
		$(TOOL_LIBSMTJ) $(SMTJ_LDLIBS)
