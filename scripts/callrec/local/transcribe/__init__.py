"""The Transcribe emulator: the JSON API (``server``), its jobs (``jobs``), speech recognition
(``asr``), the conversation analytics (``analytics``) and the output documents (``output``)."""
