"""Keep model libraries offline: every model comes from a package or a local folder."""

from __future__ import annotations

import os


def offline_model_libraries() -> None:
    """No model library may reach a hub: vnqa's models come from packages or local folders.

    Hugging Face libraries read these when first imported, so entry points call this before
    anything imports them.
    """
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
