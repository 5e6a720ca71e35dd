"""Hatchling build hook: the wheel holds a native library, so it is not pure
Python and carries the platform tag scripts/package.sh computed from the
library (IMCORE_WHEEL_TAG, e.g. py3-none-manylinux_2_34_x86_64)."""

import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class NativeLibraryHook(BuildHookInterface):
    def initialize(self, version, build_data):
        tag = os.environ.get("IMCORE_WHEEL_TAG")
        if not tag:
            raise RuntimeError("IMCORE_WHEEL_TAG is not set: build the wheel with scripts/package.sh python")
        build_data["pure_python"] = False
        build_data["tag"] = tag
