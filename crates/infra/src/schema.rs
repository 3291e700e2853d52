// @generated automatically by Diesel CLI.

diesel::table! {
    attempt_counters (key) {
        key -> Text,
        events -> Int4,
        last_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    likes (user_id, post_id) {
        user_id -> Int8,
        post_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    posts (id) {
        id -> Int8,
        author_id -> Int8,
        title -> Text,
        content -> Text,
        published -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        like_count -> Int8,
        title_folded -> Text,
        content_folded -> Text,
    }
}

diesel::table! {
    refresh_tokens (digest) {
        digest -> Bytea,
        session_id -> Int8,
        spent -> Bool,
    }
}

diesel::table! {
    sessions (id) {
        id -> Int8,
        user_id -> Int8,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
        expires_at -> Timestamptz,
        client_address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    user_writes (user_id) {
        user_id -> Int8,
        written_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(likes -> posts (post_id));
diesel::joinable!(likes -> users (user_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    attempt_counters,
    likes,
    posts,
    refresh_tokens,
    sessions,
    user_writes,
    users,
);
