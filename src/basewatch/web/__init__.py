"""Static files of the map dashboard (vendor/ is built by scripts/build_web.sh)."""
