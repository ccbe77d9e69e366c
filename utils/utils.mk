# SPDX-License-Identifier: GPL-2.0-or-later
# Each tool has its own fragment under utils/<tool>/.
-include $(wildcard utils/*/*.mk)
