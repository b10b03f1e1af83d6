#!/bin/sh
# Entry point of the stadtlage image: `web`, `worker`, or any `stadtlage` command.
set -eu
case "${1:-web}" in
  web)
    stadtlage collectstatic --noinput --verbosity 0
    stadtlage migrate --noinput
    exec gunicorn -c python:stadtlage.operations.gunicorn_conf stadtlage.wsgi:application
    ;;
  worker)
    # Queued tasks, the heartbeat and the scheduled jobs (JOBS_IN_WORKER defaults to true).
    exec stadtlage worker --no-startup-delay
    ;;
  *)
    exec stadtlage "$@"
    ;;
esac
