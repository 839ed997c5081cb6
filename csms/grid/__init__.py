"""Grid-signal adapters behind one interface (`GridSignalSource`): typed signals, and parsers for regulation,
price and tariff files. May import csms.domain and csms.errors only."""
