DROP TRIGGER users_note_write ON users;
DROP TRIGGER posts_note_write ON posts;
DROP TRIGGER likes_note_write ON likes;
DROP FUNCTION note_user_write();
DROP TABLE user_writes;
