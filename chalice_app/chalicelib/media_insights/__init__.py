"""The second recording path: Voice Connector -> Kinesis Video Streams -> media insights pipeline.

Modules, one concern each:

- ``events``: typed read-only views over the EventBridge events this path consumes
  (``Chime VoiceConnector Streaming Status`` and ``Media Insights State Change``).
- ``request``: builds and validates the ``CreateMediaInsightsPipeline`` request.
- ``pipelines``: starts (idempotently per transaction id) and stops pipelines from streaming events.
- ``recording_metadata``: consumes the recording metadata records of the Kinesis data stream sink.
- ``status``: records pipeline status changes and surfaces failures.
"""
