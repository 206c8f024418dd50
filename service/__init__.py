"""The service's own logic between the handlers, storage and the Bitrix24 client."""
