/** Longer usernames and passwords are refused before hashing: no one's password is 4 KB, and scrypt should not chew on megabytes. */
export const MAX_INPUT_LENGTH = 4096;
