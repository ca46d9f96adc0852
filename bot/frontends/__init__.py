"""Front-ends that adapt input and output to one Responder: the CLI and Telegram."""
