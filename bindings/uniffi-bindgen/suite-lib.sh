# Shared by scripts/suites/{kotlin,swift,python}.sh (sourced, not run).
# The caller sets ROOT (the workspace root) and is in it.

# generated_is_current LANG: regenerates bindings/LANG/generated from the
# built library and fails when it differs from the checked-in sources (or
# leaves files git does not know).
generated_is_current() {
    local lang=$1 dir=bindings/$1/generated
    bash bindings/uniffi-bindgen/generate.sh "$lang" || return 1
    if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        echo "[$lang] not a git work tree: generated sources not compared"
        return 0
    fi
    local untracked
    untracked=$(git ls-files --others --exclude-standard -- "$dir")
    if ! git diff --exit-code --stat -- "$dir" || [ -n "$untracked" ]; then
        [ -n "$untracked" ] && printf '[%s] untracked generated files:\n%s\n' "$lang" "$untracked"
        echo "[$lang] FAIL: $dir differs from what uniffi-bindgen generates;" \
            "run bindings/uniffi-bindgen/generate.sh $lang and commit the result"
        return 1
    fi
    echo "[$lang] generated sources are current"
}
