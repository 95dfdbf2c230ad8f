# Sourced by the scripts: one build environment for the run command, the test command and CI,
# so they share one build cache (outside the work tree, reused across checkouts).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zhirong-target}"
if command -v mold >/dev/null 2>&1; then
  export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fuse-ld=mold"
fi
export CARGO_TERM_PROGRESS_WHEN=never
