#!/bin/sh
# Starts but never calls GET /next: the init timeout must end it.
exec sleep 60
