"""Scale-out over Redis: which node holds each station's socket (leases with fencing), routing commands to
that node (pub/sub), and one leader per role (e.g. the fleet controller). Only `csms/app.py` wires it in."""
