"""PromoStandards Order Shipment Notification 2.0.0: one standard, many suppliers, each a profile."""
