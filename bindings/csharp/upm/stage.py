"""Finishes the staged UPM package folder (scripts/package.sh unity):

    python3 stage.py PACKAGE_ROOT VERSION PACKAGE_JSON UPM_DIR

- package.json: the checked-in one with "version" set to VERSION (Cargo.toml's).
- A .meta for every file and folder Unity imports (everything but names ending in "~" or
  starting with "."). Each GUID is the MD5 of "com.imcore.unity/<path>": the same path gets the
  same GUID in every build and on every machine, so scenes and prefabs referencing the package's
  assets keep their links across upgrades.
- The native plugins get their platform import settings from UPM_DIR/plugins/<name>.meta.in.
"""

import hashlib
import json
import os
import sys

PACKAGE = "com.imcore.unity"

COMMON = """  externalObjects: {}
  userData: 
  assetBundleName: 
  assetBundleVariant: 
"""

IMPORTERS = {
    ".cs": "MonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n"
    "  executionOrder: 0\n  icon: {instanceID: 0}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n",
    ".asmdef": "AssemblyDefinitionImporter:\n" + COMMON,
    ".json": "PackageManifestImporter:\n" + COMMON,
    ".md": "TextScriptImporter:\n" + COMMON,
    ".xml": "TextScriptImporter:\n" + COMMON,
}


def guid(rel):
    return hashlib.md5(f"{PACKAGE}/{rel}".encode()).hexdigest()


def visible(name):
    return not name.startswith(".") and not name.endswith("~")


def write_meta(root, rel, body):
    with open(os.path.join(root, rel) + ".meta", "w", newline="\n") as f:
        f.write(f"fileFormatVersion: 2\nguid: {guid(rel)}\n{body}")


def main(root, version, package_json, upm_dir):
    with open(package_json) as f:
        manifest = json.load(f)
    manifest["version"] = version
    with open(os.path.join(root, "package.json"), "w", newline="\n") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")

    plugins = os.path.join(upm_dir, "plugins")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if visible(d))
        for d in dirnames:
            rel = os.path.relpath(os.path.join(dirpath, d), root).replace(os.sep, "/")
            write_meta(root, rel, "folderAsset: yes\nDefaultImporter:\n" + COMMON)
        for name in sorted(filenames):
            if not visible(name) or name.endswith(".meta"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            template = os.path.join(plugins, name + ".meta.in")
            if rel.startswith("Plugins/") and os.path.exists(template):
                with open(template) as f:
                    body = f.read()
                body = body.split("guid: @GUID@\n", 1)[1]
            else:
                ext = os.path.splitext(name)[1]
                if rel.startswith("Plugins/"):
                    sys.exit(f"stage.py: no import settings for the plugin {rel} ({template})")
                body = IMPORTERS.get(ext, "DefaultImporter:\n" + COMMON)
            write_meta(root, rel, body)


if __name__ == "__main__":
    main(*sys.argv[1:5])
