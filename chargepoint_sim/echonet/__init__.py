"""A simulated ECHONET Lite V2H unit (EV charger/discharger, class 0x027E) answering over UDP."""
