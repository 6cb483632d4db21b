"""Identity and intent: ceremony links, OTP, real-name, face and 电子社保卡 verification,
the pre-signing notice and the signing authorisation (guideline Art. 6–7)."""
