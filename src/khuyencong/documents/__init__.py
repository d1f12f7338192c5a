"""Report documents: one table declaration written to a page, Excel, PDF, CSV and JSON."""
