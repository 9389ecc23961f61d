/**
 * TypeBox schemas of the `data` object of every ElevenLabs webhook event type, and the map from
 * event type to schema that the router validates against. Each schema is also a type of the same
 * name (`Static<typeof Schema>`).
 */
import { CallInitiationFailureData, PostCallAudioData, PostCallTranscriptionData } from './agents.js'
import { AudioGeneratedData, UsageThresholdData, VoiceClonedData } from './product.js'
import { PostCallTranscriptionOtelData } from './otel.js'
import { SpeechToTextTranscriptionData } from './speech-to-text.js'
import { VoiceRemovalNoticeData, VoiceRemovalNoticeWithdrawnData, VoiceRemovedData } from './voices.js'

export { CallInitiationFailureData, CallInitiationFailureMetadata, PostCallAudioData, PostCallTranscriptionData } from './agents.js'
export { ConversationAnalysis, ConversationInitiationClientData, ConversationMetadata } from './conversation.js'
export { OtlpSpan, OtlpTraces, PostCallTranscriptionOtelData } from './otel.js'
export { TranscriptTurn } from './transcript.js'
export { AudioGeneratedData, UsageThresholdData, VoiceClonedData } from './product.js'
export { SpeechToTextTranscription, SpeechToTextTranscriptionData, SpeechToTextWord } from './speech-to-text.js'
export { VoiceRemovalNoticeData, VoiceRemovalNoticeWithdrawnData, VoiceRemovedData } from './voices.js'

/** Event type → schema of its `data`. */
export const eventSchemas = {
  'audio.generated': AudioGeneratedData,
  'voice.cloned': VoiceClonedData,
  'usage.threshold': UsageThresholdData,
  post_call_transcription: PostCallTranscriptionData,
  post_call_transcription_otel: PostCallTranscriptionOtelData,
  post_call_audio: PostCallAudioData,
  call_initiation_failure: CallInitiationFailureData,
  speech_to_text_transcription: SpeechToTextTranscriptionData,
  voice_removal_notice: VoiceRemovalNoticeData,
  voice_removal_notice_withdrawn: VoiceRemovalNoticeWithdrawnData,
  voice_removed: VoiceRemovedData
} as const
export type EventSchemas = typeof eventSchemas
export type EventType = keyof EventSchemas
