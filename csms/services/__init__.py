"""Application services: credentials, station commands, fleet control. They see the store and the station
gateway only through protocols (`csms.store.base.StateStore`, `csms.services.gateway.StationGateway`)."""
